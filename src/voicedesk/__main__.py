from voicedesk.startup import main

main()
