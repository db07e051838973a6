"""What the gateway itself says to shoppers, when the bot cannot."""

RASA_UNAVAILABLE = (
    "非常抱歉，智能客服暂时开小差了😥 您的消息已经保存，系统恢复后会第一时间回复您，"
    "无需重复发送。"
)
IDENTITY_MISMATCH = "当前会话属于另一位用户，已为您开启新的会话。"
