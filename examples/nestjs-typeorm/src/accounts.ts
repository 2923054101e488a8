import type { DeciderRepository } from '@es/core';
import { InjectDeciderRepository } from '@es/nestjs';
import type { TypeOrmHandle } from '@es/typeorm';
import {
  Body,
  ConflictException,
  Controller,
  Get,
  Injectable,
  NotFoundException,
  Param,
  Post,
  UnprocessableEntityException,
} from '@nestjs/common';
import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { QueryFailedError } from 'typeorm';
import { AccountSummary, Deposit } from './entities.ts';
import { type Account, type AccountCommand, AccountError, type BankEvent } from './events.ts';

type Accounts = DeciderRepository<Account, AccountCommand, BankEvent, TypeOrmHandle>;

/** PostgreSQL's unique_violation: the deposit's id is recorded already. */
const isDuplicate = (error: unknown) =>
  error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505';

@Injectable()
export class AccountsService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    @InjectDeciderRepository('account') private readonly accounts: Accounts,
  ) {}

  @Transactional()
  async open(accountId: string, owner: string): Promise<void> {
    await this.accounts.handle(accountId, { type: 'open', owner });
  }

  /**
   * The event and the deposit's own row, in the one transaction `@Transactional()` opened: the
   * repository joins it with no handle passed. If the row cannot be written (a deposit id used
   * before), the event is rolled back with it; if another request appended to the account since
   * it was read, the append throws ConcurrencyError (answered 409 by EsExceptionFilter).
   */
  @Transactional()
  async deposit(accountId: string, depositId: string, amount: number): Promise<{ version: number; balance: number }> {
    const { state, version } = await this.accounts.handle(accountId, { type: 'deposit', depositId, amount });
    await this.txHost.tx.insert(Deposit, { id: depositId, accountId, amount, streamVersion: version });
    return { version, balance: state.balance };
  }

  summary(accountId: string): Promise<AccountSummary | null> {
    return this.txHost.tx.findOneBy(AccountSummary, { accountId });
  }
}

@Controller('accounts')
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Post()
  async open(@Body() body: { id: string; owner: string }) {
    await this.refusing(() => this.accounts.open(body.id, body.owner));
    return { id: body.id };
  }

  @Post(':id/deposits')
  deposit(@Param('id') accountId: string, @Body() body: { depositId: string; amount: number }) {
    return this.refusing(() => this.accounts.deposit(accountId, body.depositId, body.amount));
  }

  /** The read model: what the consumer has handled so far. */
  @Get(':id')
  async summary(@Param('id') accountId: string) {
    const summary = await this.accounts.summary(accountId);
    if (!summary) throw new NotFoundException(`no summary of ${accountId} yet`);
    return summary;
  }

  /** The domain's refusals as HTTP answers; the store's own errors are EsExceptionFilter's. */
  private async refusing<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof AccountError) throw new UnprocessableEntityException(error.message);
      if (isDuplicate(error)) throw new ConflictException({ code: 'DUPLICATE_DEPOSIT', message: 'deposit id used' });
      throw error;
    }
  }
}
