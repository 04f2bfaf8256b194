import type { Command } from 'commander';

export function registerTranslate(program: Command): void {
  program.command('translate').description('translate with a trained model (in progress)').action(() => {
    throw new Error('translate is not implemented yet');
  });
}
