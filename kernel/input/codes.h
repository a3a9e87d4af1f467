/*
 * Linux input event codes (the evdev ABI numbers, include/uapi/linux/
 * input-event-codes.h), the ones this kernel names.  virtio-input
 * carries exactly these (§5.8), but nothing here is specific to it.
 */
#ifndef KERNEL_INPUT_CODES_H
#define KERNEL_INPUT_CODES_H

/* Event types. */
#define EV_SYN 0x00
#define EV_KEY 0x01
#define EV_REL 0x02
#define EV_ABS 0x03
#define EV_MSC 0x04
#define EV_SW  0x05
#define EV_LED 0x11
#define EV_SND 0x12
#define EV_REP 0x14
#define EV_FF  0x15
#define EV_MAX 0x1f

/* EV_SYN codes. */
#define SYN_REPORT  0
#define SYN_DROPPED 3

/* EV_KEY values. */
#define KEY_UP_VALUE     0
#define KEY_DOWN_VALUE   1
#define KEY_REPEAT_VALUE 2

/* Keys with a meaning for the console (US layout, scan code order). */
#define KEY_ESC        1
#define KEY_1          2
#define KEY_0          11
#define KEY_MINUS      12
#define KEY_EQUAL      13
#define KEY_BACKSPACE  14
#define KEY_TAB        15
#define KEY_Q          16
#define KEY_P          25
#define KEY_LEFTBRACE  26
#define KEY_RIGHTBRACE 27
#define KEY_ENTER      28
#define KEY_LEFTCTRL   29
#define KEY_A          30
#define KEY_L          38
#define KEY_SEMICOLON  39
#define KEY_APOSTROPHE 40
#define KEY_GRAVE      41
#define KEY_LEFTSHIFT  42
#define KEY_BACKSLASH  43
#define KEY_Z          44
#define KEY_M          50
#define KEY_COMMA      51
#define KEY_DOT        52
#define KEY_SLASH      53
#define KEY_RIGHTSHIFT 54
#define KEY_KPASTERISK 55
#define KEY_LEFTALT    56
#define KEY_SPACE      57
#define KEY_CAPSLOCK   58
#define KEY_KP7        71
#define KEY_KPMINUS    74
#define KEY_KPPLUS     78
#define KEY_KPDOT      83
#define KEY_KPENTER    96
#define KEY_RIGHTCTRL  97
#define KEY_KPSLASH    98
#define KEY_RIGHTALT   100
#define KEY_HOME       102
#define KEY_UP         103
#define KEY_LEFT       105
#define KEY_RIGHT      106
#define KEY_END        107
#define KEY_DOWN       108
#define KEY_DELETE     111
#define KEY_MAX        0x2ff

/* Relative and absolute axes. */
#define REL_X     0x00
#define REL_Y     0x01
#define REL_WHEEL 0x08
#define ABS_X     0x00
#define ABS_Y     0x01
#define ABS_AXES  64 /* ABS_CNT */

/* LEDs. */
#define LED_NUML    0x00
#define LED_CAPSL   0x01
#define LED_SCROLLL 0x02

#endif
