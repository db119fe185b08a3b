import { Component } from '@angular/core';
import { TestBed, type ComponentFixture } from '@angular/core/testing';
import { provideSyncViewModel } from 'ballast-sync';
import { find, settle, texts } from '../../testing/demo-testing.spec-helper';
import { TodoPanel } from './todo-panel';
import { TodoViewModel } from './todo-view-model';

@Component({
  imports: [TodoPanel],
  template: `<app-todo-panel title="Mine" />`,
  providers: [provideSyncViewModel(TodoViewModel, { role: 'source' })],
})
class Host {}

async function add(fixture: ComponentFixture<Host>, title: string): Promise<void> {
  (find(fixture, '[data-testid="new-todo"]') as HTMLInputElement).value = title;
  find(fixture, '[data-testid="add-todo"]').click();
  await settle(fixture);
}

describe('TodoPanel', () => {
  afterEach(() => jest.useRealTimers());

  async function setUp() {
    const fixture = TestBed.createComponent(Host);
    await settle(fixture);
    return fixture;
  }

  it('shows its title, role, the todos and how many are done', async () => {
    const fixture = await setUp();
    expect(find(fixture, 'h3').textContent).toBe('Mine');
    expect(find(fixture, '.role-badge').textContent).toBe('source');
    expect(texts(fixture, '[data-testid="todo-title"]')).toEqual([
      'Play with the sync counters',
      'Add a todo from the Replica',
    ]);
    expect(find(fixture, '[data-testid="summary"]').textContent?.trim()).toBe('1 of 2 done');
  });

  it('adds a todo from the form, clears the field and shows a toast for TodoAdded', async () => {
    const fixture = await setUp();
    await add(fixture, 'Buy milk');
    expect(texts(fixture, '[data-testid="todo-title"]').at(-1)).toBe('Buy milk');
    expect(find(fixture, '[data-testid="summary"]').textContent?.trim()).toBe('1 of 3 done');
    expect((find(fixture, '[data-testid="new-todo"]') as HTMLInputElement).value).toBe('');
    expect(texts(fixture, '[data-testid="toast"]')).toEqual(['TodoAdded: “Buy milk”']);
  });

  it('does not send a blank todo', async () => {
    const fixture = await setUp();
    await add(fixture, '   ');
    expect(texts(fixture, '[data-testid="todo"]')).toHaveLength(2);
    expect(texts(fixture, '[data-testid="toast"]')).toEqual([]);
  });

  it('toggles and removes todos, and says when all are done', async () => {
    const fixture = await setUp();
    find(fixture, 'li:nth-child(2) [data-testid="toggle"]').click();
    await settle(fixture);
    const summary = find(fixture, '[data-testid="summary"]');
    expect(summary.textContent?.trim()).toBe('2 of 2 done');
    expect(summary.classList).toContain('all-done');

    find(fixture, 'li:nth-child(1) [data-testid="remove"]').click();
    find(fixture, 'li:nth-child(2) [data-testid="remove"]').click();
    await settle(fixture);
    expect(texts(fixture, 'li')).toEqual(['Nothing to do.']);
    expect(summary.textContent?.trim()).toBe('0 of 0 done');
  });

  it('hides a toast after a few seconds', async () => {
    jest.useFakeTimers({ advanceTimers: true });
    const fixture = await setUp();
    await add(fixture, 'Buy milk');
    expect(texts(fixture, '[data-testid="toast"]')).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(TodoPanel.TOAST_MS);
    await settle(fixture);
    expect(texts(fixture, '[data-testid="toast"]')).toEqual([]);
  });
});
