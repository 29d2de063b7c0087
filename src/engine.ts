// The engine: the client, the protocol, the audio and the session logic, loaded on the visitor's first
// intent (issue 17). The element (the shell) reaches it only through this entry, behind a dynamic import.
export { SessionController } from './controllers/session-controller.js';
