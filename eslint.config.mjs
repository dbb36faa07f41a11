// ESLint flat config: typescript-eslint's recommended, type-aware rules for the TypeScript sources.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

// ---------------------------------------------------------------------------------------------
// Import boundaries (README, "Layers"). Each side bundles separately and runs elsewhere: the webviews in a browser,
// the extension in VS Code's extension host, the server in its own process. A rule per folder says what it may not
// import; flat config replaces (not merges) a rule for files matched again, so each entry carries its side's full list.

const NODE_OR_NATIVE = { regex: '^(node:|vscode$|vscode-language|sharp$|@tensorflow/)', message: 'webviews run in a browser: no node, VS Code, native or tfjs modules.' };
// The server modules the other sides may use: the contract, and pure text/number helpers (no node, no tfjs).
const WEBVIEW_SERVER = 'protocol|numberFormat|data/classNames|eval/(figureRows|optionalParts|validationText)';
const EXTENSION_SERVER = `${WEBVIEW_SERVER}|eval/reportHtml|infer/resultsCsv`;
const onlyServer = (allowed, side) => ({
  regex: `(^|/)server/(?!(${allowed})$)`,
  message: `${side} may import only the protocol and the declared pure modules of server/ (${allowed}); anything else belongs behind a request.`,
});
const SERVER_SIDE = [
  { regex: '^vscode(-languageclient.*)?$', message: 'the server runs outside VS Code: no vscode or client API.' },
  { regex: '(^|/)(extension|webview)/', message: 'the server does not import the extension or the webviews.' },
];
/** server/<layer>/ may not import the layers above it (engine, data < model < train | eval | infer < cli). */
const layer = (dir, above) => ({
  files: [`server/${dir}/**/*.ts`],
  rules: {
    'no-restricted-imports': ['error', { patterns: [...SERVER_SIDE, {
      regex: `^\\.\\./(${above.join('|')})/`,
      message: `server/${dir}/ sits below ${above.map((a) => `${a}/`).join(', ')}: move what both need down (model/, data/) or pass it in.`,
    }] }],
  },
});

const boundaries = [
  { files: ['webview/**/*.ts'], rules: { 'no-restricted-imports': ['error', { patterns: [NODE_OR_NATIVE,
    { regex: '(^|/)extension/', message: 'webviews talk to the extension through messages (webview/protocol.ts), never by import.' },
    onlyServer(WEBVIEW_SERVER, 'webviews')] }] } },
  { files: ['extension/**/*.ts'], rules: { 'no-restricted-imports': ['error', { patterns: [
    { regex: '^(sharp$|@tensorflow/)', message: 'the extension host stays light: images and tensors are the backend\'s job.' },
    { regex: '(^|/)webview/(?!protocol$)', message: 'the extension imports only the webview message types (webview/protocol.ts).' },
    onlyServer(EXTENSION_SERVER, 'the extension')] }] } },
  { files: ['server/**/*.ts'], rules: { 'no-restricted-imports': ['error', { patterns: SERVER_SIDE }] } },
  layer('engine', ['data', 'model', 'train', 'eval', 'infer', 'cli']),
  layer('data', ['engine', 'model', 'train', 'eval', 'infer', 'cli']),
  layer('model', ['train', 'eval', 'infer', 'cli']),
  layer('train', ['eval', 'infer', 'cli']),
  layer('eval', ['train', 'infer', 'cli']),
  layer('infer', ['train', 'eval', 'cli']),
  // The contract imports nothing but vscode-languageserver-protocol, so every side can bundle it.
  { files: ['server/protocol.ts'], rules: { 'no-restricted-imports': ['error', { patterns: [
    { regex: '^(?!vscode-languageserver-protocol$)', message: 'protocol.ts imports only vscode-languageserver-protocol.' }] }] } },
];

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', 'test-results/**', '*.vsix'] },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [...tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // node:test's describe/it return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': ['error', {
        allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'it', 'test'] }],
      }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'eqeqeq': ['error', 'smart'],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: { ...globals.node } },
  },
  ...boundaries,
);
