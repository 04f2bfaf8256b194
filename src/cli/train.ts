import type { Command } from 'commander';

export function registerTrain(program: Command): void {
  program.command('train').description('train a model (in progress)').action(() => {
    throw new Error('train is not implemented yet');
  });
}
