import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { find, settle, texts } from '../../testing/demo-testing.spec-helper';
import { ReplicaTodos } from './replica-todos';
import { SourceTodos } from './source-todos';

@Component({
  imports: [ReplicaTodos, SourceTodos],
  template: `<app-source-todos /><app-replica-todos />`,
})
class Host {}

describe('SourceTodos', () => {
  it('is the Source panel, whose edits reach the Replica', async () => {
    const fixture = TestBed.createComponent(Host);
    await settle(fixture);
    const source = find(fixture, '[data-testid="todos-source"]');
    expect(find(source, '.role-badge').textContent).toBe('source');
    expect(find(source, 'h3').textContent).toBe('Source');

    find(source, 'li:nth-child(1) [data-testid="remove"]').click();
    await settle(fixture);
    expect(texts(fixture, '[data-testid="summary"]')).toEqual(['0 of 1 done', '0 of 1 done']);
  });
});
