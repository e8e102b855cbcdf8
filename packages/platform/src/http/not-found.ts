// Owns the answer for requests that match no route: 405 with an Allow header when the path exists
// for another method, 404 otherwise. fastify answers both with 404, so every registered route is
// mirrored into a find-my-way router that can be asked which methods a concrete path has.
import type { FastifyInstance } from 'fastify';
import FindMyWay, { type HTTPMethod } from 'find-my-way';
import { AppError } from '../errors/index.js';
import { sendProblem } from './problem.js';

const probeMethods: HTTPMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

export function installNotFoundHandler(app: FastifyInstance) {
  const routes = FindMyWay({ ignoreTrailingSlash: false });
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (probeMethods.includes(method as HTTPMethod) && !routes.hasRoute(method as HTTPMethod, route.url)) {
        routes.on(method as HTTPMethod, route.url, () => undefined);
      }
    }
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    const allowed = probeMethods.filter((method) => routes.find(method, path) !== null);
    if (allowed.length > 0) {
      reply.header('allow', allowed.join(', '));
      return sendProblem(
        request,
        reply,
        new AppError({
          kind: 'method_not_allowed',
          code: 'method_not_allowed',
          detail: `${request.method} is not allowed on this path; allowed: ${allowed.join(', ')}.`,
        }),
      );
    }
    return sendProblem(
      request,
      reply,
      new AppError({
        kind: 'not_found',
        code: 'route_not_found',
        detail: `No route matches ${request.method} ${path}.`,
      }),
    );
  });
}
