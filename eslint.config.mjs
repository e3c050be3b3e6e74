// One linter for the whole tree; prettier formats (run by `npm run lint`).
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'out/**',
      'dist/**',
      'docs/**',
      'bench/results/**',
      'test/fixtures/**',
      'examples/**',
      'renderer/dist/**',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
    ],
  },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The engine runs in plain Node: no Electron, React or DOM in it.
    files: ['main/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'main/engine must not import Electron.' },
            { name: 'react', message: 'main/engine must not import React.' },
            { name: 'react-dom', message: 'main/engine must not import React.' },
            { name: 'electron-store', message: 'main/engine must not import Electron.' },
          ],
          patterns: [
            { group: ['../app/*', '../ipc/*', '**/renderer/**', '**/preload/**'], message: 'main/engine is UI-free.' },
          ],
        },
      ],
    },
  },
);
