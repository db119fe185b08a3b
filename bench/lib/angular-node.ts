/*
 * Angular and NgRx in plain Node, without TestBed. @angular/core and NgRx ship partially compiled
 * (Ivy "partial declarations"); loading @angular/compiler first lets them compile just in time, so
 * DI works. Production mode, as users ship it: NgRx's runtime checks (state and action freezing)
 * and Angular's dev-mode assertions are off.
 */
import '@angular/compiler';
import {
  createEnvironmentInjector,
  enableProdMode,
  Injector,
  ɵINJECTOR_SCOPE as INJECTOR_SCOPE,
  type EnvironmentInjector,
  type EnvironmentProviders,
  type Provider,
} from '@angular/core';

enableProdMode();

/**
 * A root environment injector with these providers, like the one bootstrapApplication creates
 * (scope 'root', so `providedIn: 'root'` services resolve in it).
 */
export function rootInjector(
  providers: (Provider | EnvironmentProviders)[],
  name: string,
): EnvironmentInjector {
  return createEnvironmentInjector(
    [{ provide: INJECTOR_SCOPE, useValue: 'root' }, ...providers],
    Injector.NULL as EnvironmentInjector,
    name,
  );
}
