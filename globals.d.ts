/** Replaced by esbuild.js with package.json's version. */
declare const BUILD_VERSION: string;
