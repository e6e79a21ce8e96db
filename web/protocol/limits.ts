/** Input limits shared by the server's schemas and the web clients' forms (no zod here: web bundles import this). */
export const LIMITS = {
  /** characters in one chat message */
  messageText: 4000,
  /** characters in the question typed before queueing */
  question: 1000,
  /** characters of a live typing preview */
  typingText: 4000,
  /** characters of a page URL captured by the widget */
  pageUrl: 2048,
  /** characters of a client-generated id (message id, request id) */
  clientId: 64,
  /** events returned by one channel:resume call */
  resumePage: 500,
  /** characters of a CSS selector for a highlighted or filled element */
  selector: 500,
  /** characters of a page title */
  pageTitle: 300,
  /** characters of a highlight's label */
  highlightLabel: 200,
  /** characters of one filled form value */
  fieldValue: 1000,
  /** bytes of one socket.io packet; larger packets close the connection */
  socketPacketBytes: 64 * 1024,
} as const
