import { AwsEmulator } from '../../../src/sandbox/aws/emulator.js';
import { startInstanceProcesses } from '../../../src/sandbox/instances/instance-processes.js';
import { STAND_IN } from './processes.js';

/**
 * A parent that runs one instance process and then waits to be killed, for checking that its
 * children go down with it. Log entries go to stdout as JSON lines.
 */
const emulator = new AwsEmulator({ privateIp: (n) => `127.88.1.${n + 1}` });
const image = emulator.state.ec2.addImage({ name: 'board-1.0.0' });
emulator.state.ec2.launch({ imageId: image.imageId, count: 1 }, { running: true });
startInstanceProcesses({
  emulator,
  port: Number(process.env.FIXTURE_PORT),
  command: () => ({ cmd: process.execPath, args: ['--import', 'tsx', STAND_IN], env: { IGNORE_SIGTERM: '1' } }),
  log: (entry) => console.log(JSON.stringify(entry)),
});
