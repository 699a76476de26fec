/**
 * Knows every secret of the run and removes it from text: raw, URL-encoded and form-encoded,
 * so a session id inside a query string is caught as well as one in a JSON body.
 */
export class Redactor {
  private readonly secrets = new Set<string>()

  constructor(private readonly onSecret: (secret: string) => void = () => {}) {}

  add(secret: string | undefined): void {
    if (secret === undefined || secret.length < 3 || this.secrets.has(secret)) return
    this.secrets.add(secret)
    this.onSecret(secret)
    for (const encoded of [encodeURIComponent(secret), new URLSearchParams({ s: secret }).toString().slice(2)]) {
      if (encoded !== secret && !this.secrets.has(encoded)) {
        this.secrets.add(encoded)
        this.onSecret(encoded)
      }
    }
  }

  redact(text: string): string {
    let result = text
    // longest first, so a secret that contains another is removed whole
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length)) {
      result = result.split(secret).join('***')
    }
    return result
  }
}
