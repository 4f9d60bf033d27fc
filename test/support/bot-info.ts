import type { UserFromGetMe } from 'grammy/types';

/** getMe of the test bot, so unit tests skip the network (id matches TEST_TOKEN). */
export const TEST_BOT_INFO: UserFromGetMe = {
  id: 7012345678,
  is_bot: true,
  first_name: 'Sandbox Bot',
  username: 'sandbox_bot',
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
  can_manage_bots: false,
  supports_join_request_queries: false,
};
