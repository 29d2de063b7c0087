// GA `error` payloads: the codes, params and messages the mock answers with, in OpenAI's wording
// where it is known (protocol.md §10.10) and in the same style where it is not.
import type { ParseError, ParseIssue } from '../protocol/index.js';

/** The `error` object of a GA `error` event. */
export interface GaErrorDetail {
  type: string;
  code: string | null;
  message: string;
  param: string | null;
  event_id: string | null;
}

export function gaError(code: string | null, message: string, param: string | null = null, eventId: string | null = null, type = 'invalid_request_error'): GaErrorDetail {
  return { type, code, message, param, event_id: eventId };
}

/** "item.content.0.text" -> "item.content[0].text", OpenAI's spelling of array positions in `param`. */
export function gaParam(path: string): string {
  return path.replace(/\.(\d+)(?=\.|$)/g, '[$1]');
}

/** One schema issue as GA reports it: unknown_parameter, missing_required_parameter, invalid_type or invalid_value. */
export function issueError(issue: ParseIssue, eventId: string | null): GaErrorDetail {
  const param = gaParam(issue.path);
  switch (issue.code) {
    case 'unknown_key':
      return gaError('unknown_parameter', `Unknown parameter: '${param}'.`, param, eventId);
    case 'missing':
      return gaError('missing_required_parameter', `Missing required parameter: '${param}'.`, param, eventId);
    case 'invalid_type':
      return gaError('invalid_type', `Invalid type for '${param}': ${issue.message}.`, param, eventId);
    default:
      return gaError('invalid_value', `Invalid value for '${param}': ${issue.message}.`, param, eventId);
  }
}

/** A frame the parser refused before any schema applied (bad JSON, binary, no type...). */
export function frameError(error: ParseError, eventId: string | null): GaErrorDetail {
  switch (error.code) {
    case 'missing_type':
      return gaError('missing_required_parameter', "Missing required parameter: 'type'.", 'type', eventId);
    case 'binary_frame':
      return gaError('invalid_json', 'Binary frames are not supported: send each client event as a JSON text frame.', null, eventId);
    case 'too_large':
      return gaError('invalid_value', `The event is too large: ${error.message}.`, null, eventId);
    case 'schema_mismatch': {
      const issue = error.issues?.[0];
      return issue ? issueError(issue, eventId) : gaError('invalid_value', error.message, null, eventId);
    }
    default:
      return gaError('invalid_json', `The event could not be parsed as a JSON object: ${error.message}.`, null, eventId);
  }
}
