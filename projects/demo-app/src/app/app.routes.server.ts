import { RenderMode, type ServerRoute } from '@angular/ssr';

/** Every page is rendered on the server when the demo is built (prerendered). */
export const serverRoutes: ServerRoute[] = [{ path: '**', renderMode: RenderMode.Prerender }];
