/** Returns the path of a usable Chromium, or exits with a message that says what to install. */
export function findChromium(): string;
