import { TestBed } from '@angular/core/testing';
import { find, settle, texts } from '../../testing/demo-testing.spec-helper';
import { AcrossTabsPage } from './across-tabs-page';

describe('AcrossTabsPage', () => {
  it('its only elected instance is the Source; clicks count, by tab, and Reset clears them', async () => {
    const fixture = TestBed.createComponent(AcrossTabsPage); // the in-memory default: one realm
    await settle(fixture);
    expect(find(fixture, '[data-testid="role"]').textContent?.trim()).toBe(
      'This tab is the Source',
    );
    expect(find(fixture, '[data-testid="open-tab"]').getAttribute('target')).toBe('_blank');

    find(fixture, '[data-testid="increment"]').click();
    find(fixture, '[data-testid="increment"]').click();
    await settle(fixture);
    const tab = find(fixture, '[data-testid="tab-name"]').textContent?.trim();
    expect(find(fixture, '[data-testid="count"]').textContent).toBe('2');
    expect(texts(fixture, '[data-testid="tab-clicks"]')).toEqual([`${tab}: 2`]);

    find(fixture, '[data-testid="reset"]').click();
    await settle(fixture);
    expect(find(fixture, '[data-testid="count"]').textContent).toBe('0');
    expect(texts(fixture, '[data-testid="tab-clicks"]')).toEqual([]);
  });
});
