/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Everest ES8311 mono voice codec: the registers this driver programs,
 * named after the public register map (8-bit addresses, 8-bit values).
 */
#ifndef _UCPHONE_ES8311_H
#define _UCPHONE_ES8311_H

#include <linux/bits.h>

#define ES8311_RESET		0x00
#define ES8311_RESET_CSM_ON	BIT(7)
#define ES8311_RESET_MSC	BIT(6)	/* 1: codec provides BCLK/LRCK */
#define ES8311_RESET_ALL	GENMASK(4, 0)

#define ES8311_CLKMGR1		0x01
#define ES8311_CLKMGR1_MCLK_SEL	BIT(7)	/* 1: internal MCLK from BCLK */
#define ES8311_CLKMGR1_MCLK_ON	BIT(5)
#define ES8311_CLKMGR1_BCLK_ON	BIT(4)
#define ES8311_CLKMGR1_ADC_ON	3
#define ES8311_CLKMGR1_DAC_ON	2
#define ES8311_CLKMGR1_ANAADC_ON 1
#define ES8311_CLKMGR1_ANADAC_ON 0
#define ES8311_CLKMGR2		0x02	/* [7:5] pre-divider - 1, [4:3] log2 pre-multiplier */
#define ES8311_CLKMGR2_DIV_SHIFT 5
#define ES8311_CLKMGR2_MULT_SHIFT 3
#define ES8311_CLKMGR3		0x03	/* [6] ADC double speed, [5:0] ADC OSR */
#define ES8311_CLKMGR4		0x04	/* [6:0] DAC OSR */
#define ES8311_CLKMGR5		0x05	/* [7:4] ADC clock div - 1, [3:0] DAC clock div - 1 */
#define ES8311_CLKMGR6		0x06
#define ES8311_CLKMGR6_BCLK_INV	BIT(5)

#define ES8311_SDP_IN		0x09	/* DAC side of the serial port */
#define ES8311_SDP_OUT		0x0a	/* ADC side of the serial port */
#define ES8311_SDP_MUTE		BIT(6)
#define ES8311_SDP_LRP		BIT(5)
#define ES8311_SDP_WL_MASK	GENMASK(4, 2)
#define ES8311_SDP_WL_24	(0 << 2)
#define ES8311_SDP_WL_16	(3 << 2)
#define ES8311_SDP_FMT_MASK	GENMASK(1, 0)
#define ES8311_SDP_FMT_I2S	0
#define ES8311_SDP_FMT_LEFT_J	1
#define ES8311_SDP_FMT_DSP	3

#define ES8311_SYS1		0x0b	/* power-up timing */
#define ES8311_SYS2		0x0c
#define ES8311_SYS3		0x0d	/* power down: analog, bias, vrefs, VMID */
#define ES8311_SYS3_PDN_ANA	7
#define ES8311_SYS3_PDN_IBIAS	6
#define ES8311_SYS3_PDN_ADCBIAS	5
#define ES8311_SYS3_PDN_ADCVREF	4
#define ES8311_SYS3_PDN_DACVREF	3
#define ES8311_SYS3_PDN_VREF	2
#define ES8311_SYS3_VMIDSEL	GENMASK(1, 0)
#define ES8311_SYS3_VMID_OFF	0
#define ES8311_SYS3_VMID_NORMAL	2
#define ES8311_SYS4		0x0e
#define ES8311_SYS4_PDN_PGA	6
#define ES8311_SYS4_PDN_MOD	5
#define ES8311_SYS8		0x12
#define ES8311_SYS8_PDN_DAC	1
#define ES8311_SYS9		0x13
#define ES8311_SYS9_HPSW	4	/* output stage drives headphones */
#define ES8311_SYS10		0x14
#define ES8311_SYS10_LINESEL	4	/* MIC1P-MIC1N into the PGA */
#define ES8311_SYS10_PGAGAIN_MAX 10

#define ES8311_ADC2		0x16	/* [2:0] ADC scale */
#define ES8311_ADC3		0x17	/* ADC volume */
#define ES8311_ADC4		0x18
#define ES8311_ADC4_ALC_EN	7
#define ES8311_ADC8		0x1c
#define ES8311_ADC8_HPF		5
#define ES8311_ADC8_EQBYPASS	6

#define ES8311_DAC1		0x31
#define ES8311_DAC1_DSMMUTE	BIT(6)
#define ES8311_DAC1_DEMMUTE	BIT(5)
#define ES8311_DAC2		0x32	/* DAC volume */
#define ES8311_DAC4		0x34
#define ES8311_DAC4_DRC_EN	7

#define ES8311_CHIPID1		0xfd
#define ES8311_CHIPID2		0xfe
#define ES8311_CHIPVER		0xff
#define ES8311_CHIPID1_VALUE	0x83
#define ES8311_CHIPID2_VALUE	0x11

/* 0 dB for the 0.5 dB/step volumes that start at -95.5 dB. */
#define ES8311_VOL_0DB		0xbf

#endif /* _UCPHONE_ES8311_H */
