/** HTTP adapter: the server skeleton other HTTP features plug into. */
export { createHttpServer, type HttpContext, type HttpPlugin, type ResolvedHttpContext } from './server.ts';
export { requireSession, requireStage, requireRole, SESSION_COOKIE } from './session.ts';
export { HttpProblem, problemBody, sendProblem, registerProblem, parse } from './problems.ts';
