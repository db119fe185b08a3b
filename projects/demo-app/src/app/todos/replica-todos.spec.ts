import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { find, settle, texts } from '../../testing/demo-testing.spec-helper';
import { ReplicaTodos } from './replica-todos';
import { SourceTodos } from './source-todos';

@Component({
  imports: [ReplicaTodos, SourceTodos],
  template: `<app-replica-todos /><app-source-todos />`,
})
class Host {}

describe('ReplicaTodos', () => {
  it('is the Replica panel, whose edits reach the Source', async () => {
    const fixture = TestBed.createComponent(Host);
    await settle(fixture);
    const replica = find(fixture, '[data-testid="todos-replica"]');
    expect(find(replica, '.role-badge').textContent).toBe('replica');
    expect(find(replica, 'h3').textContent).toBe('Replica');

    find(replica, 'li:nth-child(2) [data-testid="toggle"]').click();
    await settle(fixture);
    expect(texts(fixture, '[data-testid="summary"]')).toEqual(['2 of 2 done', '2 of 2 done']);
  });
});
