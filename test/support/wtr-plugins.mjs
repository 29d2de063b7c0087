// Dev-server plugins for the browser tests (the mock realtime server joins this list).
export function wtrPlugins() {
  return [];
}
