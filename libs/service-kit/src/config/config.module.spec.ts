import { Inject, Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ConfigModule } from './config.module';

const SHOP_CONFIG = Symbol('SHOP_CONFIG');

@Injectable()
class Checkout {
  constructor(@Inject(SHOP_CONFIG) readonly config: { CURRENCY: string }) {}
}

// A feature module that imports nothing: the config reaches it because ConfigModule is global.
@Module({ providers: [Checkout] })
class CheckoutModule {}

describe('ConfigModule', () => {
  it('injects the one config object by its token in every module of the app', async () => {
    const config = { CURRENCY: 'EUR' };
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(SHOP_CONFIG, config), CheckoutModule],
    }).compile();

    expect(moduleRef.get(Checkout).config).toBe(config);
  });
});
