/**
 * Every piece of text `<realtime-voice>` shows or announces. Replace any of them for another
 * language through the `strings` property (or the `strings` attribute as JSON); the keys you leave
 * out keep their English default.
 */
export interface RealtimeVoiceStrings {
  /** Main button label while idle: starts a session. */
  start: string;
  /** Main button label while a session runs: ends it. */
  stop: string;
  /** Main button label in push-to-talk mode (`turn-detection="none"`). */
  holdToTalk: string;
  /** Main button label while push-to-talk is held. */
  release: string;
  /** Button that ends a push-to-talk session. */
  end: string;
  /** Status line text, one per state. */
  idle: string;
  connecting: string;
  listening: string;
  thinking: string;
  speaking: string;
  reconnecting: string;
  error: string;
  /** Status line text while the microphone is muted. */
  mutedStatus: string;
  /** Accessible name of the transcript region. */
  transcript: string;
  /** Shown in an empty transcript (also replaceable through the `empty` slot). */
  empty: string;
  /** Speaker names in the transcript. */
  user: string;
  assistant: string;
  /** Text input: its accessible name, placeholder and send button. */
  message: string;
  placeholder: string;
  send: string;
  /** Mute toggle (a toggle button: its pressed state says whether the microphone is muted). */
  mute: string;
  /** Accessible name of the microphone picker, and its first option. */
  microphone: string;
  defaultMicrophone: string;
}

/** The English defaults. */
export const defaultStrings: Readonly<RealtimeVoiceStrings> = Object.freeze({
  start: 'Start conversation',
  stop: 'Stop conversation',
  holdToTalk: 'Hold to talk',
  release: 'Release to send',
  end: 'End',
  idle: 'Ready',
  connecting: 'Connecting…',
  listening: 'Listening',
  thinking: 'Thinking…',
  speaking: 'Speaking',
  reconnecting: 'Reconnecting…',
  error: 'Something went wrong',
  mutedStatus: 'Microphone muted',
  transcript: 'Conversation transcript',
  empty: 'Press the button and start talking.',
  user: 'You',
  assistant: 'Assistant',
  message: 'Message',
  placeholder: 'Type a message',
  send: 'Send',
  mute: 'Mute',
  microphone: 'Microphone',
  defaultMicrophone: 'Default microphone',
});
