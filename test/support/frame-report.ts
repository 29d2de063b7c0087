/**
 * Loads a page in an iframe (for a CSP of its own) and resolves with the first message it posts whose
 * `source` field is `source`; the iframe is removed afterwards.
 */
export async function frameReport<T>(url: string, source: string, options: { allow?: string } = {}): Promise<T> {
  const frame = document.createElement('iframe');
  if (options.allow) frame.allow = options.allow;
  const result = new Promise<T>((resolve) => {
    const onMessage = (e: MessageEvent) => {
      if (e.source !== frame.contentWindow || e.data?.source !== source) return;
      window.removeEventListener('message', onMessage);
      resolve(e.data as T);
    };
    window.addEventListener('message', onMessage);
  });
  frame.src = url;
  document.body.append(frame);
  try {
    return await result;
  } finally {
    frame.remove();
  }
}
