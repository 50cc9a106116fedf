// partyserver keeps a fallback copy of each object's name, for an alarm or an RPC that arrives
// without `ctx.id.name` (written by an older runtime's alarm record, say): it reads the key
// `__ps_name` with the key-value storage API when the object starts, and writes it when it is not
// there yet. In a SQLite-backed object the key-value API is a table of its own, so every room's
// database got a second storage table for one short row: 28 KB more a conversation for the
// minimal relay in the local runtime, and 24–26 KB of the room's object start (bench/README.md,
// sixth pass).
//
// The room's state already lives in its own `meta` table, so the record goes there: the storage
// partyserver sees is the object's own, except that this one key is read from and written to
// `meta`. A room that an earlier version gave a key-value record still finds it there.

import { READ_META, ROOM_SCHEMA, WRITE_META } from "./room-storage";

/** partyserver's key for the record (its NAME_STORAGE_KEY). */
const NAME_KEY = "__ps_name";
const META_KEY = "partyserver:name";

/**
 * The record, or undefined. partyserver asks for it before the room has started, so on a room's
 * first start there is no meta table yet. The statements are the room's own texts (room-storage.ts):
 * the runtime keeps one prepared statement per distinct text.
 */
function readName(sql: SqlStorage): string | undefined {
  let row: { value: string } | undefined;
  try {
    row = sql.exec<{ value: string }>(READ_META, META_KEY).toArray()[0];
  } catch (error) {
    if (/no such table: meta/.test(String(error))) return undefined;
    throw error;
  }
  return row ? (JSON.parse(row.value) as string) : undefined;
}

/**
 * `ctx` with a storage whose `get`/`put` of partyserver's name record use the meta table; every
 * other member is the object's own, bound to it (the runtime's methods refuse another receiver).
 */
export function withNameInMeta(ctx: DurableObjectState): DurableObjectState {
  const storage = ctx.storage;
  const get = async (key: unknown, options?: DurableObjectGetOptions) => {
    if (key !== NAME_KEY) return storage.get(key as string, options);
    return readName(storage.sql) ?? (await storage.get(NAME_KEY)); // a record from before this lived in meta
  };
  const put = async (key: unknown, value: unknown, options?: DurableObjectPutOptions) => {
    if (key !== NAME_KEY || typeof value !== "string") return storage.put(key as string, value, options);
    storage.sql.exec(ROOM_SCHEMA);
    storage.sql.exec(WRITE_META, META_KEY, JSON.stringify(value));
  };
  const shimStorage = bound(storage, { get, put });
  return bound(ctx, { storage: shimStorage });
}

/** A proxy of `target` that answers `own` first and binds the target's functions to it. */
function bound<T extends object>(target: T, own: Record<string, unknown>): T {
  return new Proxy(target, {
    get(t, prop) {
      if (typeof prop === "string" && prop in own) return own[prop];
      const value = Reflect.get(t, prop, t);
      return typeof value === "function" ? value.bind(t) : value;
    },
  });
}
