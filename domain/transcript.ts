// One row of a conversation's transcript and the page it started on: the types every layer of the
// domain shares, at the bottom so that nothing above has to import them from the room.
import type { Sender } from "../protocol/frames";

export interface Author {
  id: string;
  name: string;
}

export interface VisitorInfo {
  name?: string;
  email?: string;
}

/** Who a logged-in visitor is on the customer's site, and whether the site proved it (identity verification). */
export interface VisitorIdentity {
  userId: string;
  verified: boolean;
}

export interface PageInfo {
  url?: string;
  title?: string;
  referrer?: string;
}

/** A row of the room's transcript. Notes are internal and never reach a visitor. */
export interface StoredMessage {
  seq: number;
  kind: "message" | "note";
  from: Sender;
  text: string;
  at: string;
  clientId?: string;
  author?: Author;
}
