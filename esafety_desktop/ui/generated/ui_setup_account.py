# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'setup_account.ui'
##
## Created by: Qt User Interface Compiler version 6.12.0
##
## WARNING! All changes made in this file will be lost when recompiling UI file!
################################################################################

from PySide6.QtCore import (QCoreApplication, QDate, QDateTime, QLocale,
    QMetaObject, QObject, QPoint, QRect,
    QSize, QTime, QUrl, Qt)
from PySide6.QtGui import (QBrush, QColor, QConicalGradient, QCursor,
    QFont, QFontDatabase, QGradient, QIcon,
    QImage, QKeySequence, QLinearGradient, QPainter,
    QPalette, QPixmap, QRadialGradient, QTransform)
from PySide6.QtWidgets import (QApplication, QFormLayout, QHBoxLayout, QLabel,
    QLineEdit, QProgressBar, QSizePolicy, QSpacerItem,
    QVBoxLayout, QWidget, QWizardPage)

class Ui_SetupAccountPage(object):
    def setupUi(self, SetupAccountPage):
        if not SetupAccountPage.objectName():
            SetupAccountPage.setObjectName(u"SetupAccountPage")
        self.mainLayout = QVBoxLayout(SetupAccountPage)
        self.mainLayout.setObjectName(u"mainLayout")
        self.formLayout = QFormLayout()
        self.formLayout.setObjectName(u"formLayout")
        self.nameLabel = QLabel(SetupAccountPage)
        self.nameLabel.setObjectName(u"nameLabel")

        self.formLayout.setWidget(0, QFormLayout.ItemRole.LabelRole, self.nameLabel)

        self.nameEdit = QLineEdit(SetupAccountPage)
        self.nameEdit.setObjectName(u"nameEdit")

        self.formLayout.setWidget(0, QFormLayout.ItemRole.FieldRole, self.nameEdit)

        self.usernameLabel = QLabel(SetupAccountPage)
        self.usernameLabel.setObjectName(u"usernameLabel")

        self.formLayout.setWidget(1, QFormLayout.ItemRole.LabelRole, self.usernameLabel)

        self.usernameEdit = QLineEdit(SetupAccountPage)
        self.usernameEdit.setObjectName(u"usernameEdit")

        self.formLayout.setWidget(1, QFormLayout.ItemRole.FieldRole, self.usernameEdit)

        self.passwordLabel = QLabel(SetupAccountPage)
        self.passwordLabel.setObjectName(u"passwordLabel")

        self.formLayout.setWidget(2, QFormLayout.ItemRole.LabelRole, self.passwordLabel)

        self.passwordEdit = QLineEdit(SetupAccountPage)
        self.passwordEdit.setObjectName(u"passwordEdit")
        self.passwordEdit.setEchoMode(QLineEdit.Password)

        self.formLayout.setWidget(2, QFormLayout.ItemRole.FieldRole, self.passwordEdit)

        self.repeatLabel = QLabel(SetupAccountPage)
        self.repeatLabel.setObjectName(u"repeatLabel")

        self.formLayout.setWidget(3, QFormLayout.ItemRole.LabelRole, self.repeatLabel)

        self.repeatEdit = QLineEdit(SetupAccountPage)
        self.repeatEdit.setObjectName(u"repeatEdit")
        self.repeatEdit.setEchoMode(QLineEdit.Password)

        self.formLayout.setWidget(3, QFormLayout.ItemRole.FieldRole, self.repeatEdit)

        self.strengthCaption = QLabel(SetupAccountPage)
        self.strengthCaption.setObjectName(u"strengthCaption")

        self.formLayout.setWidget(4, QFormLayout.ItemRole.LabelRole, self.strengthCaption)

        self.strengthLayout = QHBoxLayout()
        self.strengthLayout.setObjectName(u"strengthLayout")
        self.strengthBar = QProgressBar(SetupAccountPage)
        self.strengthBar.setObjectName(u"strengthBar")
        self.strengthBar.setMaximum(4)
        self.strengthBar.setValue(0)
        self.strengthBar.setTextVisible(False)

        self.strengthLayout.addWidget(self.strengthBar)

        self.strengthLabel = QLabel(SetupAccountPage)
        self.strengthLabel.setObjectName(u"strengthLabel")

        self.strengthLayout.addWidget(self.strengthLabel)


        self.formLayout.setLayout(4, QFormLayout.ItemRole.FieldRole, self.strengthLayout)


        self.mainLayout.addLayout(self.formLayout)

        self.hintLabel = QLabel(SetupAccountPage)
        self.hintLabel.setObjectName(u"hintLabel")
        self.hintLabel.setWordWrap(True)

        self.mainLayout.addWidget(self.hintLabel)

        self.messageLabel = QLabel(SetupAccountPage)
        self.messageLabel.setObjectName(u"messageLabel")
        self.messageLabel.setWordWrap(True)

        self.mainLayout.addWidget(self.messageLabel)

        self.verticalSpacer = QSpacerItem(10, 10, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)

        self.mainLayout.addItem(self.verticalSpacer)

#if QT_CONFIG(shortcut)
        self.nameLabel.setBuddy(self.nameEdit)
        self.usernameLabel.setBuddy(self.usernameEdit)
        self.passwordLabel.setBuddy(self.passwordEdit)
        self.repeatLabel.setBuddy(self.repeatEdit)
#endif // QT_CONFIG(shortcut)

        self.retranslateUi(SetupAccountPage)

        QMetaObject.connectSlotsByName(SetupAccountPage)
    # setupUi

    def retranslateUi(self, SetupAccountPage):
        SetupAccountPage.setTitle(QCoreApplication.translate("SetupAccountPage", u"Your account", None))
        SetupAccountPage.setSubTitle(QCoreApplication.translate("SetupAccountPage", u"You are the first Designated Safeguarding Lead. You can add your deputy, the headteacher and the online safety lead afterwards.", None))
        self.nameLabel.setText(QCoreApplication.translate("SetupAccountPage", u"Your &full name", None))
#if QT_CONFIG(accessibility)
        self.nameEdit.setAccessibleName(QCoreApplication.translate("SetupAccountPage", u"Full name", None))
#endif // QT_CONFIG(accessibility)
        self.usernameLabel.setText(QCoreApplication.translate("SetupAccountPage", u"&Account name", None))
        self.usernameEdit.setPlaceholderText(QCoreApplication.translate("SetupAccountPage", u"for example j.smith", None))
#if QT_CONFIG(accessibility)
        self.usernameEdit.setAccessibleName(QCoreApplication.translate("SetupAccountPage", u"Account name", None))
#endif // QT_CONFIG(accessibility)
        self.passwordLabel.setText(QCoreApplication.translate("SetupAccountPage", u"&Password", None))
#if QT_CONFIG(accessibility)
        self.passwordEdit.setAccessibleName(QCoreApplication.translate("SetupAccountPage", u"Password", None))
#endif // QT_CONFIG(accessibility)
        self.repeatLabel.setText(QCoreApplication.translate("SetupAccountPage", u"&Type it again", None))
#if QT_CONFIG(accessibility)
        self.repeatEdit.setAccessibleName(QCoreApplication.translate("SetupAccountPage", u"Repeat password", None))
#endif // QT_CONFIG(accessibility)
        self.strengthCaption.setText(QCoreApplication.translate("SetupAccountPage", u"Strength", None))
#if QT_CONFIG(accessibility)
        self.strengthBar.setAccessibleName(QCoreApplication.translate("SetupAccountPage", u"Password strength", None))
#endif // QT_CONFIG(accessibility)
        self.strengthLabel.setText("")
        self.hintLabel.setText(QCoreApplication.translate("SetupAccountPage", u"Use at least 12 characters. Three or four unrelated words with a number are easy to remember and hard to guess.", None))
        self.messageLabel.setText("")
    # retranslateUi

