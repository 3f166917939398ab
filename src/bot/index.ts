// Telegram bot: public surface.
export { createBot, ALLOWED_UPDATES, type BudgetBot, type CreateBotOptions } from "./bot.js";
export {
  startPolling,
  startWebhook,
  type RunningBot,
  type PollingOptions,
  type WebhookOptions,
} from "./run.js";
export { startBotFromConfig, type StartBotOptions } from "./start.js";
