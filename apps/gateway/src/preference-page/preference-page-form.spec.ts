import { categoriesShown, preferencesFromForm, type StoredPreferences } from './preference-page-form';

const current: StoredPreferences = {
  optedOut: false,
  categories: { 'product-news': { enabled: false }, marketing: { channels: { sms: false } } },
  channelOrder: ['push', 'email'],
  quietHours: 'off',
};

describe('preference page form', () => {
  it('shows the built-in categories, the link’s and the recipient’s own, each once', () => {
    expect(categoriesShown(current, 'weekly-digest')).toEqual([
      'transactional',
      'marketing',
      'alert',
      'weekly-digest',
      'product-news',
    ]);
  });

  it('turns ticked boxes into opt-ins and unticked ones into opt-outs, keeping what the form does not show', () => {
    const result = preferencesFromForm(
      {
        optedOut: 'on',
        category: ['marketing', 'alert'],
        'enabled.alert': 'on',
        'channel.alert.email': 'on',
        'channel.alert.sms': 'on',
        'channel.alert.push': 'on',
        'channel.alert.inapp': 'on',
        'channel.marketing.email': 'on',
      },
      current,
    );

    expect(result).toEqual({
      ok: true,
      preferences: {
        optedOut: true,
        categories: {
          'product-news': { enabled: false },
          marketing: { enabled: false, channels: { sms: false, push: false, inapp: false } },
          alert: { enabled: true },
        },
        channelOrder: ['push', 'email'],
        quietHours: 'off',
      },
    });
  });

  it('refuses a category name no page shows, and a body that is not a form, naming the field', () => {
    const badCategory = preferencesFromForm({ category: 'Not Valid' }, current);
    const notAForm = preferencesFromForm({ optedOut: { nested: true } }, current);

    expect(badCategory.ok).toBe(false);
    expect(!badCategory.ok && badCategory.problems[0].field).toMatch(/^categories/);
    expect(notAForm.ok).toBe(false);
    expect(!notAForm.ok && notAForm.problems[0].field).toBe('optedOut');
  });
});
