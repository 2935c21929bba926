import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

const PREFIX = "v1";

/** AES-256-GCM for secrets at rest (Shopify tokens). Output: "v1:<iv>:<tag>:<ciphertext>", base64url. */
export class SecretCipher {
  private readonly key: Buffer;

  constructor(key: string) {
    const bytes = Buffer.from(key, "base64");
    if (bytes.length !== 32) throw new Error("TOKEN_ENCRYPTION_KEY must be 32 bytes, base64-encoded (openssl rand -base64 32)");
    this.key = bytes;
  }

  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
    return [PREFIX, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), body.toString("base64url")].join(":");
  }

  decrypt(sealed: string): string {
    const [prefix, iv, tag, body] = sealed.split(":");
    if (prefix !== PREFIX || !iv || !tag || body === undefined) throw new Error("Not an encrypted secret");
    const decipher = createDecipheriv("aes-256-gcm", this.key, Buffer.from(iv, "base64url"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
  }

  static isSealed(value: string): boolean {
    return value.startsWith(`${PREFIX}:`);
  }
}

let processCipher: SecretCipher | undefined;

/** The process-wide cipher keyed from TOKEN_ENCRYPTION_KEY (Shopify tokens, event sources' write keys). */
export function getSecretCipher(key: string | undefined): SecretCipher {
  if (!key) throw new Error("TOKEN_ENCRYPTION_KEY is not set (npm start generates one; set your own in production)");
  processCipher ??= new SecretCipher(key);
  return processCipher;
}
