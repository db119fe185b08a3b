import { TestBed } from '@angular/core/testing';
import { provideRouter, Router } from '@angular/router';
import { find, settle, texts } from '../testing/demo-testing.spec-helper';
import { App } from './app';
import { routes } from './app.routes';

describe('App', () => {
  async function setUp() {
    TestBed.configureTestingModule({ providers: [provideRouter(routes)] });
    const fixture = TestBed.createComponent(App);
    await TestBed.inject(Router).navigateByUrl('/');
    await settle(fixture);
    return fixture;
  }

  it('opens on the sync counters page, with a navigation to the four pages', async () => {
    const fixture = await setUp();
    expect(find(fixture, 'h1').textContent).toBe('ballast-sync demo');
    expect(texts(fixture, 'nav a')).toEqual([
      'Sync counters',
      'Shared todos',
      'Across tabs',
      'On the server',
    ]);
    expect(find(fixture, 'nav a.active').textContent?.trim()).toBe('Sync counters');
    expect(fixture.nativeElement.querySelector('app-counters-page')).not.toBeNull();
  });

  it('navigates to the todos page', async () => {
    const fixture = await setUp();
    find(fixture, 'nav a[href="/todos"]').click();
    await settle(fixture);
    expect(TestBed.inject(Router).url).toBe('/todos');
    expect(find(fixture, 'nav a.active').textContent?.trim()).toBe('Shared todos');
    expect(fixture.nativeElement.querySelector('app-todos-page')).not.toBeNull();
    expect(fixture.nativeElement.querySelector('app-counters-page')).toBeNull();
  });
});
