/**
 * Seals small secrets kept in the database (webhook signing secrets) with AES-256-GCM under
 * a key derived from the server's SECRET, so a copy of the database alone does not let
 * anyone forge a tenant's webhooks.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto'

export class SecretBox {
  private readonly key: Buffer

  constructor(serverSecret: string) {
    this.key = Buffer.from(hkdfSync('sha256', serverSecret, 'parley', 'secret-box/v1', 32))
  }

  seal(plain: string): string {
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', this.key, iv)
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
    return `v1.${iv.toString('base64url')}.${body.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}`
  }

  open(sealed: string): string {
    const [version, iv, body, tag] = sealed.split('.')
    if (version !== 'v1' || !iv || !body || !tag) throw new Error('not a sealed secret')
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'))
    decipher.setAuthTag(Buffer.from(tag, 'base64url'))
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8')
  }
}
