/** Entry of dist/server.js: the backend process the extension spawns (IPC transport). */
import './threadPool';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startBackendServer } from './backendServer';

startBackendServer(createConnection(ProposedFeatures.all));
