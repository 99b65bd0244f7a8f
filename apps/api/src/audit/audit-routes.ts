import { HTTP_CODE_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { Injectable, RequestMethod, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type { ApiRequest as Request } from '../http/request';
import { AUDIT_CATEGORY, type AuditMetadata } from '../http/audit/audit-category';

export interface RouteInfo {
  method: string;
  /** The route pattern, as Fastify matched it: `/patients/:patientId/doses/taken`. */
  path: string;
  /** Undefined when the route declares no @AuditCategory. */
  audit: AuditMetadata | undefined;
  /** The status a successful answer carries (@HttpCode, else 201 for POST, 200 otherwise). */
  successStatus: number;
}

/** Paths whose routes touch patient data, or act on it (admin, audit), and must be audited. */
export const AUDITED_PREFIXES = ['/patients', '/registry', '/admin', '/audit', '/fhir'] as const;

/**
 * Every route of the application with its audit declaration, looked up by
 * method and matched pattern. The exception filter needs it: a request
 * refused by a guard (no token, wrong role) never reaches an interceptor,
 * and the filter is not told which handler it was meant for.
 */
@Injectable()
export class AuditRoutes implements OnModuleInit {
  private readonly routes = new Map<string, RouteInfo>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getControllers()) {
      const controller = wrapper.metatype as (new (...args: never[]) => unknown) | undefined;
      if (!controller?.prototype) continue;
      const prefix = pathsOf(Reflect.getMetadata(PATH_METADATA, controller));
      const prototype = controller.prototype as Record<string, unknown>;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const handler = prototype[name] as (...args: unknown[]) => unknown;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (method === undefined) continue;
        const audit = this.reflector.getAllAndOverride<AuditMetadata | undefined>(AUDIT_CATEGORY, [
          handler,
          controller,
        ]);
        const verb = RequestMethod[method];
        const httpCode = Reflect.getMetadata(HTTP_CODE_METADATA, handler) as number | undefined;
        for (const base of prefix) {
          for (const own of pathsOf(Reflect.getMetadata(PATH_METADATA, handler))) {
            const path = normalise(`${base}/${own}`);
            this.routes.set(`${verb} ${path}`, {
              method: verb,
              path,
              audit,
              successStatus: httpCode ?? (verb === 'POST' ? 201 : 200),
            });
          }
        }
      }
    }
  }

  all(): RouteInfo[] {
    return [...this.routes.values()];
  }

  /** Routes under an audited prefix that declare no category. */
  undeclared(): RouteInfo[] {
    return this.all().filter(
      (r) => r.audit === undefined && AUDITED_PREFIXES.some((p) => r.path === p || r.path.startsWith(`${p}/`)),
    );
  }

  forRequest(request: Request): RouteInfo | undefined {
    const pattern = request.routeOptions.url;
    if (typeof pattern !== 'string') return undefined;
    return this.routes.get(`${request.method} ${normalise(pattern)}`);
  }
}

function pathsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  return [typeof value === 'string' ? value : ''];
}

function normalise(path: string): string {
  const joined = `/${path}`.replace(/\/{2,}/g, '/');
  return joined.length > 1 ? joined.replace(/\/$/, '') : joined;
}
