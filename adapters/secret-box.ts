// Secrets at rest (a project's Slack bot token, HubSpot token, webhook secret, Teams URL, email key): AES-GCM with a key derived by
// HKDF from SECRETS_KEY (or, if unset, TOKEN_SECRET), so a copy of D1 alone reveals nothing.
// Sealed values are versioned ("v1.") so the scheme can change without a migration.
import { tokenSecret, type ConfigVars } from "./config";

const encoder = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

function b64(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

function unb64(text: string): Uint8Array | null {
  try {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

/** The key material that seals now, then what may have sealed before a rotation (SECRETS_KEY_PREVIOUS, or TOKEN_SECRET_PREVIOUS while SECRETS_KEY is unset). */
function materials(env: ConfigVars): string[] {
  const current = env.SECRETS_KEY || tokenSecret(env);
  const previous = env.SECRETS_KEY ? env.SECRETS_KEY_PREVIOUS : env.TOKEN_SECRET_PREVIOUS;
  return previous && previous !== current ? [current, previous] : [current];
}

function boxKey(env: ConfigVars, material = materials(env)[0]!): Promise<CryptoKey> {
  let key = keys.get(material);
  if (!key) {
    key = crypto.subtle
      .importKey("raw", encoder.encode(material), "HKDF", false, ["deriveKey"])
      .then((base) =>
        crypto.subtle.deriveKey(
          { name: "HKDF", hash: "SHA-256", salt: encoder.encode("baton-secret-box"), info: encoder.encode("v1") },
          base,
          { name: "AES-GCM", length: 256 },
          false,
          ["encrypt", "decrypt"],
        ),
      );
    keys.set(material, key);
  }
  return key;
}

/** Encrypts `plaintext` for storage. */
export async function seal(env: ConfigVars, plaintext: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, await boxKey(env), encoder.encode(plaintext));
  return `v1.${b64(iv)}.${b64(new Uint8Array(sealed))}`;
}

/** Decrypts a value from `seal` (with the current key, or the previous one during a rotation); null when it is not one, or was sealed with another key. */
export async function unseal(env: ConfigVars, sealed: string): Promise<string | null> {
  const [version, iv, data] = sealed.split(".");
  const ivBytes = iv ? unb64(iv) : null;
  const dataBytes = data ? unb64(data) : null;
  if (version !== "v1" || !ivBytes || !dataBytes) return null;
  for (const material of materials(env)) {
    try {
      const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: ivBytes }, await boxKey(env, material), dataBytes);
      return new TextDecoder().decode(plain);
    } catch {
      // not this key
    }
  }
  return null;
}
