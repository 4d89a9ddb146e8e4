/** A silence mutes notifications (never evaluation) for alerts whose labels match all its matchers. */
export interface Silence {
  id: string;
  /** label → exact value; every matcher must hold. */
  matchers: Record<string, string>;
  startsAt: number;
  endsAt: number;
  createdBy: string;
  comment: string;
}

/** An acknowledgement stops repeats of one alert's current episode (it lapses when the alert resolves). */
export interface Acknowledgement {
  fingerprint: string;
  /** The episode acknowledged: the alert's activeSince when it was acknowledged. */
  episodeStart: number;
  ackedBy: string;
  ackedAt: number;
  comment: string;
}

export function isSilenced(labels: Readonly<Record<string, string>>, silences: readonly Silence[], now: number): boolean {
  return silences.some((s) => s.startsAt <= now && now < s.endsAt && Object.entries(s.matchers).every(([k, v]) => labels[k] === v));
}
