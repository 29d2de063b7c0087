// <realtime-voice> in a React 19 app: typed props (attributes and object properties), typed `onrv-*`
// event handlers that feed React state, a ref for the imperative API, and a tool whose handler
// updates React state. In an app: `import 'realtime-voice'` and `import type {} from 'realtime-voice/react'`.
import { StrictMode, useCallback, useMemo, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import '../src/index.js';
import type {} from '../src/react.js';
import type {
  RealtimeVoice,
  RealtimeVoiceState,
  RealtimeVoiceTool,
  RvErrorEvent,
  RvMetricsEvent,
  RvStateEvent,
  RvTranscriptEvent,
  TranscriptRole,
} from '../src/index.js';
import { initDemoBar } from './shared/demo-bar.js';

interface Line {
  itemId: string;
  role: TranscriptRole;
  text: string;
  final: boolean;
}

interface LogEntry {
  id: number;
  type: string;
  summary: string;
}

const VOICES = ['marin', 'cedar', 'alloy', 'verse'] as const;
type Theme = RealtimeVoice['theme'];

const STATE_LABELS: Record<RealtimeVoiceState, string> = {
  idle: 'Idle',
  connecting: 'Connecting',
  listening: 'Listening',
  thinking: 'Thinking',
  speaking: 'Speaking',
  reconnecting: 'Reconnecting',
  error: 'Error',
};

let nextLogId = 0;

export function App() {
  const voiceRef = useRef<RealtimeVoice>(null);
  const [state, setState] = useState<RealtimeVoiceState>('idle');
  const [reason, setReason] = useState('');
  const [lines, setLines] = useState<Line[]>([]);
  const [notes, setNotes] = useState<string[]>([]);
  const [log, setLog] = useState<LogEntry[]>([]);
  const [latency, setLatency] = useState<{ connectMs?: number; firstAudioMs?: number }>({});
  const [voice, setVoice] = useState<(typeof VOICES)[number]>('marin');
  const [theme, setTheme] = useState<Theme>('auto');
  const [textInput, setTextInput] = useState(true);
  const [exported, setExported] = useState('');

  const addLog = useCallback((type: string, summary: string) => {
    setLog((entries) => [{ id: nextLogId++, type, summary }, ...entries].slice(0, 8));
  }, []);

  // Typed handlers: each event's `detail` has its own type (RvStateEvent['detail'] is { state, reason }).
  const onState = useCallback(
    (event: RvStateEvent) => {
      setState(event.detail.state);
      setReason(event.detail.reason);
      addLog('rv-state', `${event.detail.state} (${event.detail.reason})`);
    },
    [addLog],
  );
  const onTranscript = useCallback(
    (event: RvTranscriptEvent) => {
      const { itemId, role, text, final } = event.detail;
      setLines((current) => {
        const at = current.findIndex((line) => line.itemId === itemId);
        if (at === -1) return [...current, { itemId, role, text, final }];
        const next = current.slice();
        next[at] = { itemId, role, text, final };
        return next;
      });
      if (final) addLog('rv-transcript', `${role}: ${text}`);
    },
    [addLog],
  );
  const onMetrics = useCallback((event: RvMetricsEvent) => {
    const { connectMs, firstAudioMs } = event.detail;
    if (connectMs !== undefined || firstAudioMs !== undefined) {
      setLatency((current) => ({ ...current, ...(connectMs !== undefined && { connectMs }), ...(firstAudioMs !== undefined && { firstAudioMs }) }));
    }
  }, []);
  const onError = useCallback((event: RvErrorEvent) => addLog('rv-error', `${event.detail.code}: ${event.detail.message}`), [addLog]);

  // A stable array: a new one on every render would re-register the tools each time.
  const tools = useMemo<RealtimeVoiceTool[]>(
    () => [
      {
        type: 'function',
        name: 'add_note',
        description: "Adds a short note to the user's note list on this page.",
        parameters: {
          type: 'object',
          properties: { text: { type: 'string', description: 'The note, in a few words.' } },
          required: ['text'],
          additionalProperties: false,
        },
        handler: (args) => {
          const text = String((args as { text?: unknown }).text ?? '').trim();
          if (!text) return { error: 'The note is empty.' };
          setNotes((current) => [...current, text]);
          return { added: text };
        },
      },
    ],
    [],
  );

  const active = state !== 'idle' && state !== 'error';
  return (
    <div className="app">
      <section className="panel widget-panel" aria-labelledby="widget-title">
        <h2 id="widget-title">The element</h2>
        <realtime-voice
          ref={voiceRef}
          token-url="/api/realtime-token"
          voice={voice}
          theme={theme}
          text-input={textInput}
          instructions="You help the user keep notes. When they ask to remember something, call add_note."
          tools={tools}
          onrv-state={onState}
          onrv-transcript={onTranscript}
          onrv-metrics={onMetrics}
          onrv-error={onError}
        />
        <fieldset className="controls">
          <legend>Props from React state</legend>
          <label>
            Voice
            <select value={voice} disabled={active} onChange={(e) => setVoice(e.currentTarget.value as (typeof VOICES)[number])}>
              {VOICES.map((v) => (
                <option key={v} value={v}>
                  {v}
                </option>
              ))}
            </select>
          </label>
          <label>
            Theme
            <select value={theme} onChange={(e) => setTheme(e.currentTarget.value as Theme)}>
              <option value="auto">auto</option>
              <option value="light">light</option>
              <option value="dark">dark</option>
            </select>
          </label>
          <label className="check">
            <input type="checkbox" checked={textInput} onChange={(e) => setTextInput(e.currentTarget.checked)} />
            Text input
          </label>
        </fieldset>
        <div className="buttons">
          <button type="button" onClick={() => void voiceRef.current?.connect()} disabled={active}>
            connect()
          </button>
          <button type="button" onClick={() => voiceRef.current?.disconnect()} disabled={!active}>
            disconnect()
          </button>
          <button type="button" onClick={() => setExported(voiceRef.current?.exportTranscript('text') ?? '')} disabled={!lines.length}>
            exportTranscript()
          </button>
        </div>
        {exported && (
          <pre className="exported" aria-label="Exported transcript">
            {exported}
          </pre>
        )}
      </section>

      <section className="panel" aria-labelledby="state-title">
        <h2 id="state-title">React state</h2>
        <dl className="facts">
          <div>
            <dt>State</dt>
            <dd>
              <output className={`state state-${state}`} aria-label="Widget state" data-state={state}>
                {STATE_LABELS[state]}
              </output>
              {reason && <span className="reason"> after {reason}</span>}
            </dd>
          </div>
          <div>
            <dt>Connect</dt>
            <dd>{latency.connectMs === undefined ? '–' : `${Math.round(latency.connectMs)} ms`}</dd>
          </div>
          <div>
            <dt>First audio</dt>
            <dd>{latency.firstAudioMs === undefined ? '–' : `${Math.round(latency.firstAudioMs)} ms`}</dd>
          </div>
        </dl>

        <h3 id="lines-title">Transcript, rendered by React</h3>
        {lines.length ? (
          <ol className="lines" aria-labelledby="lines-title">
            {lines.map((line) => (
              <li key={line.itemId} className={`line line-${line.role}`} data-final={line.final}>
                <strong>{line.role === 'user' ? 'You' : 'Assistant'}</strong> {line.text}
                {!line.final && <span aria-hidden="true"> …</span>}
              </li>
            ))}
          </ol>
        ) : (
          <p className="empty">Nothing yet: start a conversation or type a message.</p>
        )}

        <h3 id="notes-title">
          Notes from the <code>add_note</code> tool
        </h3>
        {notes.length ? (
          <ul className="notes" aria-labelledby="notes-title">
            {notes.map((note, i) => (
              <li key={i}>{note}</li>
            ))}
          </ul>
        ) : (
          <p className="empty">Ask the assistant to remember something.</p>
        )}

        <h3 id="log-title">Latest events</h3>
        {log.length ? (
          <ul className="log" aria-labelledby="log-title">
            {log.map((entry) => (
              <li key={entry.id}>
                <code>{entry.type}</code> {entry.summary}
              </li>
            ))}
          </ul>
        ) : (
          <p className="empty">No events yet.</p>
        )}
      </section>
    </div>
  );
}

const container = document.getElementById('root');
if (container) {
  createRoot(container).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
void initDemoBar();
