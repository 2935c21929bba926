import { Session } from "@shopify/shopify-api";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import { DrizzleSessionStoragePostgres } from "@shopify/shopify-app-session-storage-drizzle";
import { getSecretCipher, type SecretCipher } from "../crypto/cipher";
import { type Db, getDb } from "../db/client";
import { getEnv } from "../env";
import { shopifySession } from "../db/schema";

/**
 * The library's Drizzle session storage, with access and refresh tokens sealed (AES-256-GCM)
 * before they reach the table and opened when read back.
 */
export class EncryptedSessionStorage implements SessionStorage {
  private readonly inner: DrizzleSessionStoragePostgres;

  constructor(
    db: Db,
    private readonly cipher: SecretCipher,
  ) {
    this.inner = new DrizzleSessionStoragePostgres(db as never, shopifySession as never);
  }

  private seal(session: Session): Session {
    const copy = new Session(session.toObject());
    if (session.accessToken) copy.accessToken = this.cipher.encrypt(session.accessToken);
    if (session.refreshToken) copy.refreshToken = this.cipher.encrypt(session.refreshToken);
    return copy;
  }

  private open(session: Session | undefined): Session | undefined {
    if (!session) return undefined;
    if (session.accessToken) session.accessToken = this.cipher.decrypt(session.accessToken);
    if (session.refreshToken) session.refreshToken = this.cipher.decrypt(session.refreshToken);
    return session;
  }

  storeSession(session: Session): Promise<boolean> {
    return this.inner.storeSession(this.seal(session));
  }

  async loadSession(id: string): Promise<Session | undefined> {
    return this.open(await this.inner.loadSession(id));
  }

  deleteSession(id: string): Promise<boolean> {
    return this.inner.deleteSession(id);
  }

  deleteSessions(ids: string[]): Promise<boolean> {
    return this.inner.deleteSessions(ids);
  }

  async findSessionsByShop(shop: string): Promise<Session[]> {
    return (await this.inner.findSessionsByShop(shop)).map((s) => this.open(s)!);
  }
}

let storage: EncryptedSessionStorage | undefined;

/** The process-wide session storage, keyed from TOKEN_ENCRYPTION_KEY (built on first use). */
export function sessionStorage(): EncryptedSessionStorage {
  if (storage) return storage;
  storage = new EncryptedSessionStorage(getDb(), getSecretCipher(getEnv().TOKEN_ENCRYPTION_KEY));
  return storage;
}

/** The same, for callers written when it was asynchronous. */
export async function getSessionStorage(): Promise<EncryptedSessionStorage> {
  return sessionStorage();
}
