// Barge-in maths: what to tell the server the user really heard. Pure, no DOM.

/** What the playback engine reports when it stops an item (samples at the item's 24 kHz rate). */
export interface PlaybackReport {
  /** The assistant item whose audio was playing (or queued first) when playback stopped. */
  itemId: string;
  /** Index of the audio content part in that item (normally 0). */
  contentIndex: number;
  /** Samples of this item actually rendered to the output, fades included; underruns add nothing. */
  renderedSamples: number;
  /** Samples of this item received so far. */
  receivedSamples: number;
}

/** The fields of a `conversation.item.truncate` event. */
export interface TruncationPlan {
  itemId: string;
  contentIndex: number;
  /** Milliseconds of the item's audio the user heard: rendered samples, floored, within what was received. */
  audioEndMs: number;
}

/**
 * `audio_end_ms` for the samples rendered: floored to whole milliseconds and never past the audio
 * received (the server rejects a truncation beyond the item's audio).
 */
export function audioEndMs(renderedSamples: number, receivedSamples: number, sampleRate = 24000): number {
  const heard = Math.max(0, Math.min(renderedSamples, receivedSamples));
  return Math.floor((heard * 1000) / sampleRate);
}

/**
 * The truncation to send after a barge-in, or null when nothing was cut off (all received audio
 * was rendered): a needless truncate makes the model repeat itself (protocol.md §10.4).
 */
export function planTruncation(report: PlaybackReport | null, sampleRate = 24000): TruncationPlan | null {
  if (!report || report.renderedSamples >= report.receivedSamples) return null;
  return {
    itemId: report.itemId,
    contentIndex: report.contentIndex,
    audioEndMs: audioEndMs(report.renderedSamples, report.receivedSamples, sampleRate),
  };
}
