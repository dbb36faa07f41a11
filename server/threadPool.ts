/**
 * Imported first by every backend entry point. sharp decodes on libuv's thread pool, which the same process's
 * file reads share; at the default of 4 threads decoding queues behind I/O (measured on 2 cores: 8 threads
 * decode the Training split about 20% faster). libuv reads this once, when the pool first starts, so it must be
 * set before any asynchronous file or crypto call. A value the user set wins.
 */
process.env.UV_THREADPOOL_SIZE ??= '8';
