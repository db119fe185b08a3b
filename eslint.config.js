// @ts-check
const { defineConfig, globalIgnores } = require('eslint/config');
const tseslint = require('typescript-eslint');
const angular = require('angular-eslint');
const prettier = require('eslint-config-prettier');

/** Angular selector rules for one project, by prefix. @param {string} prefix */
function selectorPrefix(prefix) {
  return {
    '@angular-eslint/directive-selector': [
      'error',
      { type: 'attribute', prefix, style: 'camelCase' },
    ],
    '@angular-eslint/component-selector': [
      'error',
      { type: 'element', prefix, style: 'kebab-case' },
    ],
  };
}

const angularFree =
  'ballast-sync: core must run in plain Node, so ballast-sync/core, ballast-sync/testing, ' +
  'ballast-sync/cross-tab and ballast-sync/websocket may not import Angular; put Angular code in projects/ballast-sync/src/lib/angular/.';

module.exports = defineConfig([
  globalIgnores(['dist/', 'node_modules/', '.angular/', 'coverage/', 'out-tsc/', 'tmp/']),
  {
    files: ['**/*.{ts,js,mjs}'],
    extends: [tseslint.configs.recommended],
    rules: {
      // `_name` marks a deliberately unused binding, e.g. a property omitted via a rest pattern.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    files: ['**/*.ts'],
    extends: [angular.configs.tsRecommended],
    processor: angular.processInlineTemplates,
  },
  {
    files: ['**/*.html'],
    extends: [angular.configs.templateRecommended],
  },
  { files: ['projects/demo-app/**/*.ts'], rules: selectorPrefix('app') },
  { files: ['projects/ballast-sync/**/*.ts'], rules: selectorPrefix('bs') },
  {
    files: [
      'projects/ballast-sync/core/**/*.ts',
      'projects/ballast-sync/testing/**/*.ts',
      'projects/ballast-sync/cross-tab/**/*.ts',
      'projects/ballast-sync/websocket/**/*.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          // The primary entry re-exports the Angular layer, so it is off limits too.
          paths: [{ name: 'ballast-sync', message: angularFree }],
          patterns: [{ group: ['@angular/*'], message: angularFree }],
        },
      ],
    },
  },
  prettier,
]);
