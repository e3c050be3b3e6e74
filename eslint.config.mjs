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
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
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
            {
              group: ['../app/*', '../ipc/*', '**/renderer/**', '**/preload/**'],
              message: 'main/engine is UI-free.',
            },
          ],
        },
      ],
    },
  },
  {
    // Only the IPC gateway touches ipcMain, only the preload touches ipcRenderer (style.md C8).
    files: ['main/**/*.ts', 'preload/**/*.ts', 'renderer/**/*.ts', 'renderer/**/*.tsx'],
    ignores: ['main/engine/**', 'main/ipc/register.ts', 'preload/index.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              importNames: ['ipcMain', 'ipcRenderer'],
              message:
                'Only main/ipc/register.ts may use ipcMain and only preload/index.ts ipcRenderer.',
            },
          ],
        },
      ],
    },
  },
);
