import { TestBed } from '@angular/core/testing';
import { find, settle, texts } from '../../testing/demo-testing.spec-helper';
import { TodosPage } from './todos-page';

describe('TodosPage', () => {
  it('puts a Replica, a Spectator and the Source side by side on one channel', async () => {
    const fixture = TestBed.createComponent(TodosPage);
    await settle(fixture);
    expect(texts(fixture, '.role-badge')).toEqual(['replica', 'spectator', 'source']);
    expect(texts(fixture, '[data-testid="summary"]')).toEqual(Array(3).fill('1 of 2 done'));

    const replica = find(fixture, '[data-testid="todos-replica"]');
    (find(replica, '[data-testid="new-todo"]') as HTMLInputElement).value = 'Buy milk';
    find(replica, '[data-testid="add-todo"]').click();
    await settle(fixture);

    expect(texts(fixture, '[data-testid="summary"]')).toEqual(Array(3).fill('1 of 3 done'));
    // TodoAdded is emitted where the Input was handled: the Replica and the Source.
    const toasts = (id: string) => texts(find(fixture, `[data-testid="${id}"]`), '.toast');
    expect(toasts('todos-replica')).toEqual(['TodoAdded: “Buy milk”']);
    expect(toasts('todos-source')).toEqual(['TodoAdded: “Buy milk”']);
    expect(toasts('todos-spectator')).toEqual([]);
  });
});
