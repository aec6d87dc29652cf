// A TCP proxy in front of the server, to take the network away from a browser: `drop()` cuts
// every open connection and refuses new ones (accepted, then reset at once) until `restore()`.
'use strict';
const net = require('node:net');

function startProxy(targetPort) {
  const sockets = new Set();
  let dropped = false;
  const server = net.createServer((client) => {
    if (dropped) {
      client.resetAndDestroy ? client.resetAndDestroy() : client.destroy();
      return;
    }
    const upstream = net.connect(targetPort, '127.0.0.1');
    const pair = [client, upstream];
    for (const socket of pair) {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => {
        sockets.delete(socket);
        for (const other of pair) other.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({
        port,
        url: `http://127.0.0.1:${port}`,
        drop() {
          dropped = true;
          for (const socket of sockets) socket.resetAndDestroy ? socket.resetAndDestroy() : socket.destroy();
        },
        restore() {
          dropped = false;
        },
        close() {
          for (const socket of sockets) socket.destroy();
          return new Promise((r) => server.close(r));
        },
      });
    });
  });
}

module.exports = { startProxy };
