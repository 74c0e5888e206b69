// The command bus of the fulfilment workflow: reservations and releases on the inventory streams, and the
// order's confirmation or rejection. None of these commands is reachable over HTTP, and none is ever
// refused: every outcome is an event (or nothing, for a command that was already carried out).
import { CommandBus, validation, type MessageOf } from '@janus/core';
import { ReleaseStock, ReserveStock, inventory } from '../catalog/inventory.js';
import { runCommand, type ShopCommandDeps } from '../commandDeps.js';
import { inventoryStream, orderStream } from '../fields.js';
import { ConfirmOrder, ConfirmOrderChange, RejectOrder, RejectOrderChange, order } from '../orders/order.js';

export function fulfilmentCommands(deps: ShopCommandDeps): CommandBus {
  const onInventory = async (command: MessageOf<typeof ReserveStock | typeof ReleaseStock>) => {
    const { version, position } = await runCommand(
      deps,
      inventory,
      inventoryStream(command.data.productId),
      command,
    );
    return { version, position };
  };
  const onOrder = async (
    command: MessageOf<
      typeof ConfirmOrder | typeof RejectOrder | typeof ConfirmOrderChange | typeof RejectOrderChange
    >,
  ) => {
    const { version, position } = await runCommand(deps, order, orderStream(command.data.orderId), command);
    return { version, position };
  };
  return new CommandBus()
    .use(validation())
    .register(ReserveStock, onInventory)
    .register(ReleaseStock, onInventory)
    .register(ConfirmOrder, onOrder)
    .register(RejectOrder, onOrder)
    .register(ConfirmOrderChange, onOrder)
    .register(RejectOrderChange, onOrder);
}
