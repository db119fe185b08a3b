import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { find, settle, texts } from '../../testing/demo-testing.spec-helper';
import { SourceTodos } from './source-todos';
import { SpectatorTodos } from './spectator-todos';

@Component({
  imports: [SpectatorTodos, SourceTodos],
  template: `<app-spectator-todos /><app-source-todos />`,
})
class Host {}

describe('SpectatorTodos', () => {
  it('is the Spectator panel, whose edits stay local until the Source changes', async () => {
    const fixture = TestBed.createComponent(Host);
    await settle(fixture);
    const spectator = find(fixture, '[data-testid="todos-spectator"]');
    const source = find(fixture, '[data-testid="todos-source"]');
    expect(find(spectator, '.role-badge').textContent).toBe('spectator');
    expect(find(spectator, 'h3').textContent).toBe('Spectator');

    find(spectator, 'li:nth-child(1) [data-testid="remove"]').click();
    await settle(fixture);
    expect(texts(fixture, '[data-testid="summary"]')).toEqual(['0 of 1 done', '1 of 2 done']);

    find(source, 'li:nth-child(2) [data-testid="toggle"]').click();
    await settle(fixture);
    expect(texts(fixture, '[data-testid="summary"]')).toEqual(['2 of 2 done', '2 of 2 done']);
  });
});
