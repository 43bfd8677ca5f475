import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { AppError } from '../../server/errors';
import { compileRoutes, matchRoute, type RestRoute, type RouteMatch } from '../../server/rest/routes';
import { appRouter } from '../../server/routers/_app';

/** matchRoute tries only the routes a path's first segment allows: it must answer what trying every route answers. */
const matching = suite('REST: route matching by first segment equals a scan of the whole table');

const routes = compileRoutes(appRouter);

function scan(table: readonly RestRoute[], method: string, path: string): RouteMatch {
  const allowed: RestRoute['method'][] = [];
  for (const route of table) {
    const found = route.pattern.exec(path);
    if (!found) continue;
    if (route.method !== method) {
      if (!allowed.includes(route.method)) allowed.push(route.method);
      continue;
    }
    const params: Record<string, string> = Object.create(null) as Record<string, string>;
    route.params.forEach((name, index) => {
      params[name] = decodeURIComponent(found[index + 1]!);
    });
    return { route, params };
  }
  return allowed.length > 0 ? { allowed } : null;
}

/** Every template with its parameters filled, plus paths that match nothing or only another method. */
function paths(): string[] {
  const filled = routes.flatMap((route) => {
    const one = route.template.replace(/\{\w+\}/g, '123');
    return [one, `${one}/`, route.template.replace(/\{\w+\}/g, 'a%20b'), `${one}/extra`];
  });
  return [...filled, '/', '', '/nope', '//clients', '/clients//', '/CLIENTS/1', '/constructor', '/__proto__/x', '/clients/%2F'];
}

matching('every method on every path, including 405 lists and no match', () => {
  let compared = 0;
  for (const path of paths()) {
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
      const expected = scan(routes, method, path);
      const actual = matchRoute(routes, method, path);
      const describe = (match: RouteMatch) =>
        match === null
          ? null
          : 'route' in match
            ? { route: match.route.template, method: match.route.method, params: { ...match.params } }
            : match;
      assert.equal(describe(actual), describe(expected), `${method} ${path}`);
      compared++;
    }
  }
  assert.ok(compared > 500, `compared ${compared}`);
});

matching('a malformed escape in a parameter is still a 400, whatever the first segment', () => {
  assert.throws(
    () => matchRoute(routes, 'GET', '/clients/by-document/%ZZ'),
    (error: unknown) => error instanceof AppError && error.reason === 'invalid_input',
  );
});

matching.run();
