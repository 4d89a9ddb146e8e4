/**
 * Redaction for prompt and completion text that a route opts in to storing. Patterns cover what
 * most often leaks through LLM traffic: contact details, payment cards, credentials and network
 * addresses. Order matters: cards and credentials before the looser phone pattern.
 */

export const redactionKinds = ['secret', 'email', 'card', 'ssn', 'ip', 'phone'] as const;
export type RedactionKind = (typeof redactionKinds)[number];

const patterns: Record<RedactionKind, RegExp> = {
  secret:
    /\b(?:sk|pk|rk)-[A-Za-z0-9_-]{16,}|\bAKIA[0-9A-Z]{16}\b|\bgh[pousr]_[A-Za-z0-9]{30,}\b|\bxox[abpr]-[A-Za-z0-9-]{10,}|\beyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}|\bBearer\s+[A-Za-z0-9._~+/-]{16,}=*/g,
  email: /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b/g,
  card: /\b(?:\d[ -]?){12,18}\d\b/g,
  ssn: /\b\d{3}-\d{2}-\d{4}\b/g,
  ip: /\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b/g,
  phone: /(?<![\w.])\+?\d[\d ().-]{7,}\d(?![\w.])/g,
};

/** 9–15 digits, written as phones are: with a leading + or with separators (a bare digit run is more likely an id). */
function looksLikePhone(match: string): boolean {
  const digits = match.replace(/\D/g, '').length;
  return digits >= 9 && digits <= 15 && (match.startsWith('+') || /[ ().-]/.test(match));
}

/** Luhn check, so long order numbers are not mistaken for cards. */
function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/** Replaces each match with `[KIND]`; `secrets` (provider keys, 8+ characters) are removed verbatim first. */
export function redact(text: string, kinds: readonly RedactionKind[] = redactionKinds, secrets: readonly string[] = []): string {
  let out = text;
  // Shorter strings are not credentials worth the false matches (and would shred ordinary words).
  for (const secret of secrets) if (secret.length >= 8) out = out.split(secret).join('[SECRET]');
  for (const kind of redactionKinds) {
    if (!kinds.includes(kind)) continue;
    out = out.replace(patterns[kind], (match) => {
      if (kind === 'card' && !luhn(match.replace(/\D/g, ''))) return match;
      if (kind === 'phone' && !looksLikePhone(match)) return match;
      return `[${kind.toUpperCase()}]`;
    });
  }
  return out;
}
