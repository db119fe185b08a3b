import { mergeApplicationConfig, type ApplicationConfig } from '@angular/core';
import { provideServerRendering, withRoutes } from '@angular/ssr';
import { appConfig } from './app.config';
import { serverRoutes } from './app.routes.server';
import { provideServerTodos } from './todos/server-todos';

/**
 * The server's providers: server rendering, and the todo list the server starts from (as if read
 * from its database). With withTransferState() the browser starts from the State the server
 * rendered, so that todo is there at the first paint and stays after hydration.
 */
export const serverConfig: ApplicationConfig = mergeApplicationConfig(appConfig, {
  providers: [provideServerRendering(withRoutes(serverRoutes)), provideServerTodos()],
});
