/** @type {import('jest').Config} */
module.exports = {
  preset: 'jest-preset-angular',
  // The preset's default ('jsdom') needs jest-environment-jsdom, which Jest 30 no longer ships.
  testEnvironment: 'jest-preset-angular/environments/jest-jsdom-env',
  setupFilesAfterEnv: ['<rootDir>/setup-jest.ts'],
  // e2e/ and bench/ have their own runners.
  roots: ['<rootDir>/projects', '<rootDir>/tests'],
  testMatch: ['**/*.spec.ts'],
  // Same mapping as tsconfig.json `paths`: tests run against the library sources.
  moduleNameMapper: {
    '^ballast-sync$': '<rootDir>/projects/ballast-sync/src/public-api.ts',
    '^ballast-sync/(.*)$': '<rootDir>/projects/ballast-sync/$1/src/public-api.ts',
    // msgpackr's "browser" export is an ES module: its UMD build for the jsdom environment.
    '^msgpackr$': '<rootDir>/node_modules/msgpackr/dist/index.js',
  },
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
};
